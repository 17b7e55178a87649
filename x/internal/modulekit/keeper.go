// Helpers for a module's NewKeeper: values wired after construction, the authority check.

package modulekit

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Late is a value a keeper receives after it is built — the hooks of a module built later, or a
// keeper built after it — that every copy of the keeper must see. Keepers are passed by value
// (to the module, the IBC app, other keepers' hooks) before the app finishes wiring, so the value
// lives behind a pointer the copies share. It is set at most once, at app construction.
type Late[T any] struct{ box *lateBox[T] }

type lateBox[T any] struct {
	v   T
	set bool
}

// NewLate returns a Late with no value; keep it in the keeper built by NewKeeper.
func NewLate[T any]() Late[T] { return Late[T]{box: &lateBox[T]{}} }

// Set stores v for every copy of the keeper. Wiring happens once: a second Set panics with
// alreadySet (say which module and what, e.g. "x/subnet hooks already set"). A nil v (T is an
// interface) stores nothing, so Get's ok alone says whether there is a value to call.
func (l Late[T]) Set(v T, alreadySet string) {
	if l.box == nil {
		panic("modulekit: Set on a Late not made by NewLate (" + alreadySet + ")")
	}
	if l.box.set {
		panic(alreadySet)
	}
	if any(v) == nil {
		return
	}
	l.box.v, l.box.set = v, true
}

// Get returns the value and whether one was set. The zero Late (a keeper not built by its
// NewKeeper) has none.
func (l Late[T]) Get() (T, bool) {
	if l.box == nil || !l.box.set {
		var zero T
		return zero, false
	}
	return l.box.v, true
}

// MustAuthority panics unless authority, the address allowed to update module's params (the gov
// module account), is a valid bech32 account address. The NewKeeper of x/subnet, x/intelligence
// and x/slashing call it first; x/tao checks through its account keeper's address codec instead.
func MustAuthority(module, authority string) {
	if _, err := sdk.AccAddressFromBech32(authority); err != nil {
		panic(fmt.Sprintf("invalid %s authority address %q: %s", module, authority, err))
	}
}
