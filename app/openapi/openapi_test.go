package openapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// part is one protoc-gen-swagger output in the shape the plugin writes.
func part(path, tag, opID, def, defDoc string) []byte {
	return []byte(`{"swagger":"2.0","info":{"title":"x.proto","version":"version not set"},
"consumes":["application/json"],"produces":["application/json"],
"paths":{"` + path + `":{"get":{"operationId":"` + opID + `","tags":["` + tag + `"],
"responses":{"200":{"schema":{"$ref":"#/definitions/` + def + `"}}}}}},
"definitions":{"` + def + `":{"type":"object","properties":{"n":{"type":"string","format":"uint64"` + defDoc + `}}}}}`)
}

func TestTidyMergesAndQualifiesOperationIDs(t *testing.T) {
	out, err := Tidy(
		part("/taochain/subnet/v1/params", "taochain.subnet.v1.Query", "Query_Params", "google.protobuf.Any", ""),
		part("/taochain/tao/v1/params", "taochain.tao.v1.Query", "Query_Params", "google.protobuf.Any", `,"description":"doc"`),
	)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Info  struct{ Title string }
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		}
		Definitions map[string]json.RawMessage
	}
	if err := json.Unmarshal(out, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Info.Title != Title {
		t.Errorf("title %q", spec.Info.Title)
	}
	if got := spec.Paths["/taochain/subnet/v1/params"]["get"].OperationID; got != "taochain.subnet.v1.Query.Params" {
		t.Errorf("subnet operationId %q", got)
	}
	if got := spec.Paths["/taochain/tao/v1/params"]["get"].OperationID; got != "taochain.tao.v1.Query.Params" {
		t.Errorf("tao operationId %q", got)
	}
	if !strings.Contains(string(spec.Definitions["google.protobuf.Any"]), `"doc"`) {
		t.Errorf("the documented duplicate definition was not kept: %s", spec.Definitions["google.protobuf.Any"])
	}
	again, err := Tidy(
		part("/taochain/tao/v1/params", "taochain.tao.v1.Query", "Query_Params", "google.protobuf.Any", `,"description":"doc"`),
		part("/taochain/subnet/v1/params", "taochain.subnet.v1.Query", "Query_Params", "google.protobuf.Any", ""),
	)
	if err != nil || string(again) != string(out) {
		t.Errorf("input order changed the output (err %v)", err)
	}
}

func TestTidyRejectsConflicts(t *testing.T) {
	for name, inputs := range map[string][][]byte{
		"same path twice": {
			part("/taochain/tao/v1/params", "taochain.tao.v1.Query", "Query_Params", "a.A", ""),
			part("/taochain/tao/v1/params", "taochain.subnet.v1.Query", "Query_Params", "a.A", ""),
		},
		"same definition, different schema": {
			part("/taochain/tao/v1/params", "taochain.tao.v1.Query", "Query_Params", "a.A", ""),
			part("/taochain/subnet/v1/params", "taochain.subnet.v1.Query", "Query_Params", "a.A", `,"pattern":"x"`),
		},
		"operationId not of the tag's service": {
			part("/taochain/tao/v1/params", "taochain.tao.v1.Query", "Msg_Params", "a.A", ""),
		},
		"no paths": {[]byte(`{"swagger":"2.0","paths":{}}`)},
	} {
		if _, err := Tidy(inputs...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestSpec checks the committed spec: named taochain, the routes of every taochain query service,
// and none of the SDK modules taochain does not run (their routes would answer 501).
func TestSpec(t *testing.T) {
	var spec struct {
		Swagger string
		Info    struct{ Title string }
		Paths   map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(Spec, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Swagger != "2.0" || spec.Info.Title != Title {
		t.Fatalf("swagger %q title %q", spec.Swagger, spec.Info.Title)
	}
	for _, prefix := range []string{
		"/taochain/subnet/v1/", "/taochain/tao/v1/", "/taochain/intelligence/v1/", "/taochain/slashing/v1/",
		"/taochain/gov/v1/", "/cosmos/bank/v1beta1/", "/cosmos/tx/v1beta1/", "/ibc/apps/transfer/v1/",
	} {
		found := false
		for p := range spec.Paths {
			found = found || strings.HasPrefix(p, prefix)
		}
		if !found {
			t.Errorf("no path under %s", prefix)
		}
	}
	for p := range spec.Paths {
		for _, absent := range []string{"/cosmos/mint/", "/cosmos/nft/", "/cosmos/group/", "/cosmos/authz/",
			"/cosmos/feegrant/", "/cosmos/circuit/", "/cosmos/protocolpool/", "/cosmos/epochs/"} {
			if strings.HasPrefix(p, absent) {
				t.Errorf("spec advertises %s, a module taochain does not run", p)
			}
		}
	}
}

func TestRegisterServesSpecAndUI(t *testing.T) {
	rtr := mux.NewRouter()
	if err := Register(rtr); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rtr)
	defer srv.Close()
	get := func(path string) (string, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, res.Status)
		}
		return string(body), res.Header.Get("Content-Type")
	}
	if body, ct := get(SpecPath); body != string(Spec) || ct != "application/json" {
		t.Errorf("GET %s: content type %q, spec served: %v", SpecPath, ct, body == string(Spec))
	}
	if body, _ := get("/swagger/swagger.yaml"); body != string(Spec) {
		t.Error("the stock spec's address does not serve taochain's spec")
	}
	if body, _ := get("/swagger/"); !strings.Contains(body, `url: "./openapi.json"`) {
		t.Error("the Swagger UI at /swagger/ does not load ./openapi.json")
	}
	if body, _ := get("/swagger/swagger-ui.css"); len(body) == 0 {
		t.Error("the Swagger UI assets are not served")
	}
}
