package types_test

import (
	"errors"
	"testing"

	"cosmossdk.io/math"

	"github.com/taochain/taochain/x/slashing/types"
)

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*types.Params)
		ok   bool
	}{
		{"defaults", func(*types.Params) {}, true},
		{"all checks off", func(p *types.Params) {
			p.EquivocationSlash, p.JailEpochs, p.MaxMissedEpochs, p.MinUsefulEpochs = math.LegacyZeroDec(), 0, 0, 0
		}, true},
		{"whole reward to the reporter", func(p *types.Params) { p.ReporterReward = math.LegacyOneDec() }, true},
		{"slash 100%", func(p *types.Params) { p.EquivocationSlash = math.LegacyOneDec() }, false},
		{"negative slash", func(p *types.Params) { p.EquivocationSlash = math.LegacyNewDec(-1) }, false},
		{"nil slash", func(p *types.Params) { p.EquivocationSlash = math.LegacyDec{} }, false},
		{"reward above 1", func(p *types.Params) { p.ReporterReward = math.LegacyNewDecWithPrec(11, 1) }, false},
		{"liveness slash 100%", func(p *types.Params) { p.LivenessSlash = math.LegacyOneDec() }, false},
		{"jail too long", func(p *types.Params) { p.JailEpochs = types.MaxEpochCount + 1 }, false},
		{"missed epochs too many", func(p *types.Params) { p.MaxMissedEpochs = types.MaxEpochCount + 1 }, false},
		{"useful epochs too many", func(p *types.Params) { p.MinUsefulEpochs = types.MaxEpochCount + 1 }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			tc.edit(&p)
			err := p.Validate()
			if tc.ok != (err == nil) {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, types.ErrInvalidParams) {
				t.Fatalf("error %v is not ErrInvalidParams", err)
			}
		})
	}
}
