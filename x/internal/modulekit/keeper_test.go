package modulekit_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/taochain/taochain/x/internal/modulekit"
)

func TestLateIsSharedBySetOnceAndZeroIsEmpty(t *testing.T) {
	var zero modulekit.Late[string]
	_, ok := zero.Get()
	require.False(t, ok, "a zero Late has no value")

	l := modulekit.NewLate[string]()
	copyBefore := l
	_, ok = l.Get()
	require.False(t, ok)
	l.Set("hooks", "already set")
	v, ok := copyBefore.Get()
	require.True(t, ok, "a copy taken before Set sees the value")
	require.Equal(t, "hooks", v)
	require.PanicsWithValue(t, "x/test hooks already set", func() { copyBefore.Set("again", "x/test hooks already set") })
}

func TestLateNilIsNoValue(t *testing.T) {
	l := modulekit.NewLate[error]()
	l.Set(nil, "already set")
	_, ok := l.Get()
	require.False(t, ok, "a nil value is no value")
	var e error = errNamed("x")
	l.Set(e, "already set")
	v, ok := l.Get()
	require.True(t, ok)
	require.Equal(t, e, v)
	require.Panics(t, func() { var zero modulekit.Late[error]; zero.Set(e, "already set") })
}

type errNamed string

func (e errNamed) Error() string { return string(e) }
