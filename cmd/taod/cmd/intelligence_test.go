package cmd

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseWeightRow(t *testing.T) {
	r, err := parseWeightRow([]string{"3", "0, 1,2", "65535,30000,0", "7"})
	if err != nil {
		t.Fatal(err)
	}
	want := weightRow{netuid: 3, uids: []uint32{0, 1, 2}, weights: []uint32{65535, 30000, 0}, versionKey: 7}
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("parsed %+v, want %+v", r, want)
	}
	bad := map[string][]string{
		"netuid":     {"70000", "0", "1", "1"},
		"uids":       {"1", "0,x", "1,1", "1"},
		"weights":    {"1", "0", "65536", "1"},
		"one weight": {"1", "0,1", "5", "1"},
		"version":    {"1", "0", "1", "-1"},
	}
	for want, args := range bad {
		if _, err := parseWeightRow(args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("args %v: error %v, want one mentioning %q", args, err, want)
		}
	}
}

func TestParseSalt(t *testing.T) {
	if s, err := parseSalt("00112233445566778899"); err != nil || len(s) != 10 {
		t.Fatalf("10-byte salt: %x, %v", s, err)
	}
	for _, s := range []string{"0011", "zz112233445566778899", strings.Repeat("ab", 65)} {
		if _, err := parseSalt(s); err == nil {
			t.Errorf("salt %q accepted", s)
		}
	}
}
