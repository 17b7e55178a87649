// Package openapi holds taochain's OpenAPI (Swagger 2.0) spec, generated from the protos by
// scripts/protoswagger.sh (`make proto-swagger`) and embedded in taod, and serves it with the
// Swagger UI at the API server's /swagger/ when app.toml has `api.swagger = true`.
package openapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/cosmos/cosmos-sdk/client/docs"
)

// Spec is the generated spec: every REST route taod's API server registers, taochain's
// /taochain/... query routes and those of the SDK and IBC modules in the app.
//
//go:embed openapi.json
var Spec []byte

// SpecPath is where the API server serves Spec; the Swagger UI at /swagger/ loads it from there.
const SpecPath = "/swagger/openapi.json"

// Title is the spec's info.title.
const Title = "taochain"

// Register serves Spec at SpecPath and the SDK's Swagger UI at /swagger/, pointed at Spec instead of
// the SDK's stock spec (which lists modules taochain does not run; their routes answer 501).
func Register(rtr *mux.Router) error {
	ui, err := fs.Sub(docs.SwaggerUI, "swagger-ui")
	if err != nil {
		return err
	}
	index, err := fs.ReadFile(ui, "index.html")
	if err != nil {
		return err
	}
	const stockURL = `url: "./swagger.yaml"`
	if !bytes.Contains(index, []byte(stockURL)) {
		return fmt.Errorf("openapi: the SDK's swagger-ui index.html no longer loads ./swagger.yaml")
	}
	index = bytes.Replace(index, []byte(stockURL), []byte(`url: "./openapi.json"`), 1)

	serveSpec := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(Spec)
	}
	serveIndex := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(index)
	}
	rtr.HandleFunc(SpecPath, serveSpec).Methods(http.MethodGet, http.MethodHead)
	// Old links to the stock spec get taochain's (JSON is YAML).
	rtr.HandleFunc("/swagger/swagger.yaml", serveSpec).Methods(http.MethodGet, http.MethodHead)
	rtr.HandleFunc("/swagger/", serveIndex).Methods(http.MethodGet, http.MethodHead)
	rtr.HandleFunc("/swagger/index.html", serveIndex).Methods(http.MethodGet, http.MethodHead)
	rtr.PathPrefix("/swagger/").Handler(http.StripPrefix("/swagger/", http.FileServer(http.FS(ui))))
	return nil
}

// Tidy merges protoc-gen-swagger's per-file outputs (run with fqn_for_swagger_name and
// include_package_in_tags) into taochain's spec: the union of their paths and definitions, info
// naming taochain, every operationId "<package>.<Service>.<Method>" (the plugin's
// "<Service>_<Method>" repeats across modules, "Query_Params" in every one), and the JSON indented
// with sorted keys so regeneration gives the same bytes. A path or operationId in two files, or one
// definition name with two different bodies, is an error.
func Tidy(files ...[]byte) ([]byte, error) {
	spec := map[string]any{"swagger": "2.0"}
	paths := make(map[string]any)
	definitions := make(map[string]any)
	for i, raw := range files {
		var part map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&part); err != nil {
			return nil, fmt.Errorf("openapi: parsing input %d: %w", i, err)
		}
		for _, k := range []string{"consumes", "produces"} {
			if v, ok := part[k]; ok {
				spec[k] = v
			}
		}
		partPaths, _ := part["paths"].(map[string]any)
		for _, p := range slices.Sorted(maps.Keys(partPaths)) {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi: path %s in two inputs", p)
			}
			paths[p] = partPaths[p]
		}
		partDefs, _ := part["definitions"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(partDefs)) {
			def := partDefs[name]
			if prev, dup := definitions[name]; dup {
				// Files that do not import a message's .proto (google.protobuf.Any, described
				// by the SDK's protos) see it without its comments; keep the documented one.
				if !reflect.DeepEqual(undocumented(prev), undocumented(def)) {
					return nil, fmt.Errorf("openapi: definition %s differs between inputs", name)
				}
				if docLength(prev) >= docLength(def) {
					continue
				}
			}
			definitions[name] = def
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("openapi: the inputs have no paths")
	}
	spec["paths"] = paths
	spec["definitions"] = definitions
	spec["info"] = map[string]any{
		"title":   Title,
		"version": "v1",
		"description": "REST (gRPC-gateway) routes of a taochain node's API server: taochain's " +
			"subnets, TAO emission, Proof-of-Intelligence epochs, intelligence slashing and gov voting " +
			"power under /taochain/, and the Cosmos SDK and IBC modules the chain runs.",
	}
	seen := make(map[string]string)
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		ops, ok := paths[path].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("openapi: path %s is not an object", path)
		}
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op, ok := ops[method].(map[string]any)
			if !ok {
				continue // e.g. path-level "parameters"
			}
			id, err := qualifiedOperationID(op)
			if err != nil {
				return nil, fmt.Errorf("openapi: %s %s: %w", method, path, err)
			}
			if prev, dup := seen[id]; dup {
				return nil, fmt.Errorf("openapi: operationId %s on both %s and %s %s", id, prev, method, path)
			}
			seen[id] = method + " " + path
			op["operationId"] = id
		}
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// qualifiedOperationID builds "<package>.<Service>.<Method>" from the operation's first tag
// ("<package>.<Service>") and the plugin's operationId ("<Service>_<Method>").
func qualifiedOperationID(op map[string]any) (string, error) {
	tags, _ := op["tags"].([]any)
	if len(tags) == 0 {
		return "", fmt.Errorf("no tags")
	}
	tag, _ := tags[0].(string)
	id, _ := op["operationId"].(string)
	service := tag[strings.LastIndex(tag, ".")+1:]
	method, ok := strings.CutPrefix(id, service+"_")
	if tag == "" || !ok || method == "" {
		return "", fmt.Errorf("operationId %q does not match tag %q", id, tag)
	}
	return tag + "." + method, nil
}

// undocumented returns a copy of a JSON value without its "description" and "title" members.
func undocumented(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if k != "description" && k != "title" {
				out[k] = undocumented(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = undocumented(x)
		}
		return out
	default:
		return v
	}
}

// docLength is the length of a JSON value's encoding, longer for the better documented of two
// definitions that differ only in descriptions.
func docLength(v any) int {
	bz, _ := json.Marshal(v)
	return len(bz)
}
