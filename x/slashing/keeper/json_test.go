package keeper_test

import "encoding/json"

type jsonRaw = json.RawMessage

func mustJSON(bz []byte, v any) {
	if err := json.Unmarshal(bz, v); err != nil {
		panic(err)
	}
}

func mustMarshal(v any) []byte {
	bz, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return bz
}
