package cmd

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"
)

func TestConvertCoinList(t *testing.T) {
	cases := []struct {
		in, want   string
		fractional bool
		wantErr    string
	}{
		{in: "1.5tao", want: "1500000000rao"},
		{in: "100TAO", want: "100000000000rao"},
		{in: "2tao,7stake", want: "2000000000rao,7stake"},
		{in: "1500000000rao", want: "1500000000rao"},
		{in: "0.000000000001tao", fractional: true, want: "0.001rao"},
		{in: "0.000000000001tao", wantErr: "whole number of rao"},
		{in: "alice", want: "alice"},
	}
	for _, c := range cases {
		got, _, err := convertCoinList(c.in, c.fractional)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestParseRaoIntAndTake(t *testing.T) {
	for in, want := range map[string]int64{"1.5tao": 1_500_000_000, "42": 42, "42rao": 42, "0.000000001tao": 1} {
		got, err := parseRaoInt(in)
		if err != nil || got.Int64() != want {
			t.Errorf("parseRaoInt(%s) = %v, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1", "1.5", "0.0000000001tao", "1stake"} {
		if _, err := parseRaoInt(bad); err == nil {
			t.Errorf("parseRaoInt(%s) accepted", bad)
		}
	}
	for in, want := range map[string]uint32{"18%": 11796, "0%": 0, "100%": 65535, "50%": 32767, "11796": 11796, "2.5%": 1638} {
		got, err := parseTake(in)
		if err != nil || got != want {
			t.Errorf("parseTake(%s) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"101%", "-1%", "65536", "x%"} {
		if _, err := parseTake(bad); err == nil {
			t.Errorf("parseTake(%s) accepted", bad)
		}
	}
}

func TestConvertTxUnitsRewritesArgsAndFlags(t *testing.T) {
	parent := &cobra.Command{Use: "subnet"}
	stake := &cobra.Command{Use: "add-stake [hotkey] [netuid] [amount]"}
	flags.AddTxFlagsToCmd(stake)
	parent.AddCommand(stake)
	if err := stake.Flags().Set(flags.FlagFees, "0.5tao"); err != nil {
		t.Fatal(err)
	}
	args := []string{"taohotkey", "1", "2.25tao"}
	if err := convertTxUnits(stake, args); err != nil {
		t.Fatal(err)
	}
	if args[2] != "2250000000" {
		t.Errorf("subnet amount became %q, want the integer 2250000000", args[2])
	}
	if fees, _ := stake.Flags().GetString(flags.FlagFees); fees != "500000000rao" {
		t.Errorf("--fees became %q", fees)
	}
	take := &cobra.Command{Use: "set-take [hotkey] [take]"}
	parent.AddCommand(take)
	args = []string{"taohotkey", "18%"}
	if err := convertTxUnits(take, args); err != nil || args[1] != "11796" {
		t.Errorf("take became %q, %v", args[1], err)
	}
	bank := &cobra.Command{Use: "bank"}
	send := &cobra.Command{Use: "send [from_key_or_address] [to_address] [amount]"}
	bank.AddCommand(send)
	args = []string{"alice", "tao1xyz", "1.5tao"}
	if err := convertTxUnits(send, args); err != nil || args[2] != "1500000000rao" {
		t.Errorf("bank amount became %q, %v", args[2], err)
	}
}

func TestParseTxResponse(t *testing.T) {
	js := `{"height":"0","txhash":"ABCD","codespace":"sdk","code":13,"raw_log":"insufficient fees"}`
	o, ok := parseTxResponse([]byte(js))
	if !ok || o.Code != 13 || o.TxHash != "ABCD" || o.RawLog != "insufficient fees" {
		t.Fatalf("json: %+v %v", o, ok)
	}
	yml := "code: 5\ncodespace: sdk\nheight: \"0\"\nraw_log: 'spendable balance'\ntxhash: EF01\n"
	o, ok = parseTxResponse([]byte(yml))
	if !ok || o.Code != 5 || o.TxHash != "EF01" {
		t.Fatalf("yaml: %+v %v", o, ok)
	}
	if _, ok := parseTxResponse([]byte(`{"body":{"messages":[]}}`)); ok {
		t.Fatal("an unsigned tx was taken for a broadcast result")
	}
}
