package yuma

// MaxUpscaleToU16 converts non-negative values to u16 so that the largest
// becomes 65535 and the others keep their ratio to it, rounded to nearest
// (halves up). It reproduces subtensor's vec_max_upscale_to_u16, including
// its two evaluation orders around a maximum of 32768. Negative values count
// as 0; if no value is positive every result is 0. The result has the same
// length as values.
func MaxUpscaleToU16(values []I32F32) []uint16 {
	out := make([]uint16, len(values))
	var maxValue I32F32
	for _, v := range values {
		if v > maxValue {
			maxValue = v
		}
	}
	if maxValue <= 0 {
		return out
	}
	u16Max := FromInt(U16Max)
	if maxValue > FromInt(32768) {
		// Large maximum: scale factor first, so the product stays in range.
		factor := u16Max.Div(maxValue)
		for i, v := range values {
			out[i] = saturateU16(v.Mul(factor).Round())
		}
		return out
	}
	for i, v := range values {
		out[i] = saturateU16(v.Mul(u16Max).Div(maxValue).Round())
	}
	return out
}

// MaxUpscaleU16 rescales raw u16 values (for example submitted weights or
// scores) so the largest is 65535, as subtensor does before storing weights
// (vec_u16_max_upscale_to_u16). An all-zero input stays all zero.
func MaxUpscaleU16(values []uint16) []uint16 {
	fixed := make([]I32F32, len(values))
	for i, v := range values {
		fixed[i] = FromInt(int64(v))
	}
	return MaxUpscaleToU16(fixed)
}

// ToU16Proportions converts each value with I32F32.ToU16Proportion.
func ToU16Proportions(values []I32F32) []uint16 {
	out := make([]uint16, len(values))
	for i, v := range values {
		out[i] = v.ToU16Proportion()
	}
	return out
}

func saturateU16(v int64) uint16 {
	switch {
	case v < 0:
		return 0
	case v > U16Max:
		return U16Max
	}
	return uint16(v)
}
