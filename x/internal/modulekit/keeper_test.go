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
