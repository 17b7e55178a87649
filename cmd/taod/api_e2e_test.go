package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/viper"

	"github.com/taochain/taochain/testutil/e2e"
)

// TestAPIServesTaochainSpec runs the real taod (home from `taod init` via localnet.sh, so app.toml
// holds init's defaults: swagger on, telemetry on) and checks its API server: /swagger/openapi.json
// is taochain's spec, every GET route the spec advertises is routed (none answers 501 Not
// Implemented, which is what an unregistered route answers), the taochain routes without
// parameters answer 200, and both metrics endpoints serve Prometheus text.
func TestAPIServesTaochainSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs taod")
	}
	n := e2e.NewLocalnet(t)
	n.Start()
	n.WaitHeight(2, 90*time.Second)

	api := fmt.Sprintf("http://127.0.0.1:%d", n.API)
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(url string) (int, []byte) {
		t.Helper()
		res, err := client.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		return res.StatusCode, body
	}

	var status int
	var raw []byte
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		res, err := client.Get(api + "/swagger/openapi.json")
		if err == nil {
			raw, err = io.ReadAll(res.Body)
			res.Body.Close()
			status = res.StatusCode
		}
		if (err == nil && status == http.StatusOK) || time.Now().After(deadline) {
			break
		}
	}
	if status != http.StatusOK {
		t.Fatalf("GET /swagger/openapi.json: status %d", status)
	}
	var spec struct {
		Info  struct{ Title string }
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("spec is not JSON: %v", err)
	}
	if spec.Info.Title != "taochain" {
		t.Errorf("spec title %q, want taochain", spec.Info.Title)
	}
	if _, ok := spec.Paths["/taochain/subnet/v1/subnets/{netuid}/metagraph"]; !ok {
		t.Error("spec lacks /taochain/subnet/v1/subnets/{netuid}/metagraph")
	}
	if _, ui := get(api + "/swagger/"); !strings.Contains(string(ui), "./openapi.json") {
		t.Error("the Swagger UI at /swagger/ does not load taochain's spec")
	}

	// An unregistered route answers 501; a module taochain does not run shows what the check catches.
	if code, _ := get(api + "/cosmos/mint/v1beta1/params"); code != http.StatusNotImplemented {
		t.Fatalf("unregistered route answered %d, want 501: the routing check below would prove nothing", code)
	}
	param := regexp.MustCompile(`\{[^}]*\}`)
	var gets, taochainOK int
	for _, path := range slices.Sorted(maps.Keys(spec.Paths)) {
		if _, ok := spec.Paths[path]["get"]; !ok {
			continue
		}
		gets++
		code, body := get(api + param.ReplaceAllString(path, "1"))
		if code == http.StatusNotImplemented {
			t.Errorf("GET %s is advertised but answers 501: %s", path, body)
		}
		if strings.HasPrefix(path, "/taochain/") && !strings.Contains(path, "{") {
			if code != http.StatusOK {
				t.Errorf("GET %s: %d %s", path, code, body)
			}
			taochainOK++
		}
	}
	if gets < 100 || taochainOK < 10 {
		t.Fatalf("checked %d GET routes, %d taochain routes without parameters; the spec is too small", gets, taochainOK)
	}

	if code, body := get(api + "/metrics?format=prometheus"); code != http.StatusOK || !strings.Contains(string(body), "# TYPE") {
		t.Errorf("app telemetry /metrics: %d %.200s", code, body)
	}
	cfg := viper.New()
	cfg.SetConfigFile(filepath.Join(n.Home, "config", "config.toml"))
	if err := cfg.ReadInConfig(); err != nil {
		t.Fatal(err)
	}
	comet := "http://" + cfg.GetString("instrumentation.prometheus_listen_addr") + "/metrics"
	if code, body := get(comet); code != http.StatusOK || !strings.Contains(string(body), "cometbft_consensus_height") {
		t.Errorf("CometBFT %s: %d %.200s", comet, code, body)
	}
}
