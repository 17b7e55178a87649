package yuma

// run is Epoch keeping its state, so tests can inspect the intermediate
// matrices as well as the output.
func run(in Input) *state {
	st := new(state)
	st.run(in)
	return st
}

// normalizeUint64 is normalizeUint64Into into a new slice.
func normalizeUint64(values []uint64, include []bool) []I32F32 {
	out := make([]I32F32, len(values))
	normalizeUint64Into(out, values, include)
	return out
}
