// Command tidy is the last step of scripts/protoswagger.sh. It has two modes:
//
//	tidy descriptors OUT     writes a FileDescriptorSet of the protos that protoc needs but no Go
//	                         module ships as .proto source (cosmos/ics23/v1/proofs.proto, compiled
//	                         into github.com/cosmos/ics23/go), read from the Go descriptor registry
//	tidy spec OUT IN...      merges protoc-gen-swagger's per-file outputs into taochain's spec
//	                         (openapi.Tidy) and writes it to OUT
package main

import (
	"fmt"
	"os"

	"github.com/cosmos/gogoproto/proto"
	protov2 "google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"

	// Registers cosmos/ics23/v1/proofs.proto (through github.com/cosmos/ics23/go).
	_ "github.com/cosmos/ibc-go/v10/modules/core/23-commitment/types"

	"github.com/taochain/taochain/app/openapi"
)

// sourcelessProtos are imported by the IBC query protos but exist in the module cache only as
// compiled Go descriptors.
var sourcelessProtos = []string{"cosmos/ics23/v1/proofs.proto"}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tidy:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "descriptors":
		return writeDescriptors(args[1])
	case len(args) >= 3 && args[0] == "spec":
		var inputs [][]byte
		for _, in := range args[2:] {
			raw, err := os.ReadFile(in)
			if err != nil {
				return err
			}
			inputs = append(inputs, raw)
		}
		spec, err := openapi.Tidy(inputs...)
		if err != nil {
			return err
		}
		return os.WriteFile(args[1], spec, 0o644)
	default:
		return fmt.Errorf("usage: tidy descriptors OUT | tidy spec OUT IN...")
	}
}

func writeDescriptors(out string) error {
	files, err := proto.MergedRegistry()
	if err != nil {
		return err
	}
	set := &descriptorpb.FileDescriptorSet{}
	for _, path := range sourcelessProtos {
		fd, err := files.FindFileByPath(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
	}
	bz, err := protov2.Marshal(set)
	if err != nil {
		return err
	}
	return os.WriteFile(out, bz, 0o644)
}
