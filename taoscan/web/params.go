package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// orderedParams lists the fields of the stored hyperparameters JSON in the order the chain wrote
// them (a map would shuffle the table on every load). Strings (math.Int amounts) lose their
// quotes; other values are shown as the JSON has them.
func orderedParams(raw string) ([]param, error) {
	out := []param{}
	if strings.TrimSpace(raw) == "" {
		return out, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("hyperparameters are not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		var str string
		if len(val) > 0 && val[0] == '"' && json.Unmarshal(val, &str) == nil {
			out = append(out, param{Name: name, Value: str})
			continue
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, val); err != nil {
			return nil, err
		}
		out = append(out, param{Name: name, Value: compact.String()})
	}
	return out, nil
}
