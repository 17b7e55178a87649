package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	cosmos_proto "github.com/cosmos/cosmos-proto"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"cosmossdk.io/math"
)

// decimalJSONArg is a generated command whose positional argument is a JSON message (or a .json
// file) holding cosmos.Dec fields.
//
// autocli decodes such an argument with protojson into the message's wire form, where a LegacyDec
// is its integer scaled by 10^18 ("200000000000000000"). Queries and the gov proposal JSON print
// decimals ("0.200000000000000000"), which that decoder rejects (math/big: cannot unmarshal), so
// queried params could not be fed back. These commands read decimals, like every other JSON input.
type decimalJSONArg struct {
	path    []string // command path below the root
	arg     int      // positional argument index
	message protoreflect.FullName
}

// decimalJSONArgs lists the proposal commands whose params carry LegacyDec fields.
var decimalJSONArgs = []decimalJSONArg{
	{[]string{"tx", "tao", "update-params-proposal"}, 0, "taochain.tao.v1.Params"},
	{[]string{"tx", "slashing", "update-poi-params-proposal"}, 0, "taochain.slashing.v1.Params"},
	{[]string{"tx", "slashing", "update-params-proposal"}, 0, "cosmos.slashing.v1beta1.Params"},
	{[]string{"tx", "distribution", "update-params-proposal"}, 0, "cosmos.distribution.v1beta1.Params"},
	{[]string{"tx", "staking", "update-params-proposal"}, 0, "cosmos.staking.v1beta1.Params"},
}

// acceptDecimalJSON makes each command of decimalJSONArgs rewrite its JSON argument's decimals
// into the wire form before autocli decodes it.
func acceptDecimalJSON(rootCmd *cobra.Command) error {
	for _, d := range decimalJSONArgs {
		c, rest, err := rootCmd.Find(d.path)
		if err != nil || len(rest) != 0 || c.Name() != d.path[len(d.path)-1] {
			continue // the module is not in this build's command tree
		}
		desc, err := gogoproto.HybridResolver.FindDescriptorByName(d.message)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.Join(d.path, " "), err)
		}
		md, ok := desc.(protoreflect.MessageDescriptor)
		if !ok {
			return fmt.Errorf("%s: %s is not a message", strings.Join(d.path, " "), d.message)
		}
		run, arg := c.RunE, d.arg
		if run == nil {
			return fmt.Errorf("%s has no RunE to wrap", strings.Join(d.path, " "))
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if arg < len(args) {
				in := []byte(args[arg])
				if strings.HasSuffix(args[arg], ".json") { // autocli reads a .json argument as a file
					bz, err := os.ReadFile(args[arg])
					if err != nil {
						return err
					}
					in = bz
				}
				out, err := NormalizeDecimalJSON(md, in)
				if err != nil {
					return err
				}
				args = append([]string(nil), args...)
				args[arg] = string(out)
			}
			return run(cmd, args)
		}
	}
	return nil
}

// NormalizeDecimalJSON rewrites every cosmos.Dec field of the JSON form of message md (nested
// messages, repeated fields and maps included) from a decimal ("0.2", "0.200000000000000000") into
// the scaled integer protojson expects for it. Everything else is kept; fields the message does not
// have are left for protojson to reject.
func NormalizeDecimalJSON(md protoreflect.MessageDescriptor, in []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s JSON: %w", md.FullName(), err)
	}
	if err := normalizeMessage(md, v, string(md.Name())); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func normalizeMessage(md protoreflect.MessageDescriptor, v any, at string) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil // not an object: protojson reports it
	}
	for key, val := range obj {
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByName(protoreflect.Name(key))
		}
		if fd == nil {
			continue
		}
		where := at + "." + key
		switch {
		case fd.IsMap():
			m, ok := val.(map[string]any)
			if !ok {
				continue
			}
			for k, item := range m {
				out, err := normalizeValue(fd.MapValue(), item, where+"["+k+"]")
				if err != nil {
					return err
				}
				m[k] = out
			}
		case fd.IsList():
			list, ok := val.([]any)
			if !ok {
				continue
			}
			for i, item := range list {
				out, err := normalizeValue(fd, item, fmt.Sprintf("%s[%d]", where, i))
				if err != nil {
					return err
				}
				list[i] = out
			}
		default:
			out, err := normalizeValue(fd, val, where)
			if err != nil {
				return err
			}
			obj[key] = out
		}
	}
	return nil
}

// normalizeValue converts one value of field fd (an element, for lists and maps).
func normalizeValue(fd protoreflect.FieldDescriptor, v any, at string) (any, error) {
	if fd.Kind() == protoreflect.MessageKind {
		return v, normalizeMessage(resolveMessage(fd.Message()), v, at)
	}
	if fd.Kind() != protoreflect.StringKind || !isDecScalar(fd) {
		return v, nil
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		return v, nil
	}
	d, err := math.LegacyNewDecFromStr(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %q is not a decimal: %w", at, s, err)
	}
	return d.BigInt().String(), nil
}

// resolveMessage returns the full descriptor of a field's message type: descriptors built from the
// gogoproto registry may hold placeholders (no fields) for messages of imported files.
func resolveMessage(md protoreflect.MessageDescriptor) protoreflect.MessageDescriptor {
	if !md.IsPlaceholder() {
		return md
	}
	if d, err := gogoproto.HybridResolver.FindDescriptorByName(md.FullName()); err == nil {
		if full, ok := d.(protoreflect.MessageDescriptor); ok {
			return full
		}
	}
	return md
}

func isDecScalar(fd protoreflect.FieldDescriptor) bool {
	s, ok := proto.GetExtension(fd.Options(), cosmos_proto.E_Scalar).(string)
	return ok && s == "cosmos.Dec"
}
