package yuma

// arena hands out the zeroed scratch slices of one epoch from a few blocks
// allocated up front, so an epoch makes a handful of allocations instead of
// one per intermediate vector. A request the blocks cannot satisfy (the
// up-front sizes are upper bounds for the usual shapes, not for every
// input) gets its own allocation, so results never depend on the sizing.
// Outputs are not taken from the arena: an Output kept by the caller must
// not hold the epoch's scratch memory alive.
type arena struct {
	fixed []I32F32
	u16   []uint16
	ints  []int
	u64   []uint64
	flags []bool
}

// newArena reserves the given numbers of elements of each kind.
func newArena(fixed, u16, ints, u64, flags int) arena {
	return arena{
		fixed: make([]I32F32, fixed),
		u16:   make([]uint16, u16),
		ints:  make([]int, ints),
		u64:   make([]uint64, u64),
		flags: make([]bool, flags),
	}
}

func take[T any](block *[]T, n int) []T {
	if n > len(*block) {
		return make([]T, n)
	}
	s := (*block)[:n:n]
	*block = (*block)[n:]
	return s
}

func (a *arena) fixedN(n int) []I32F32 { return take(&a.fixed, n) }
func (a *arena) u16N(n int) []uint16   { return take(&a.u16, n) }
func (a *arena) intN(n int) []int      { return take(&a.ints, n) }
func (a *arena) u64N(n int) []uint64   { return take(&a.u64, n) }
func (a *arena) flagN(n int) []bool    { return take(&a.flags, n) }

// csr returns an empty matrix of rows rows with room for capacity entries.
func (a *arena) csr(rows, capacity int) csr {
	return csr{
		start: a.intN(rows + 1)[:1],
		col:   a.u16N(capacity)[:0],
		val:   a.fixedN(capacity)[:0],
	}
}
