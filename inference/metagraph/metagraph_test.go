package metagraph

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestCache(t *testing.T) {
	var c Cache
	if c.Permit("tao1v") || len(c.Miners()) != 0 {
		t.Fatal("zero Cache is not empty")
	}
	in := []Miner{{UID: 5, Hotkey: "tao1b"}, {UID: 2, Hotkey: "tao1a"}}
	if err := c.Update(in, []string{"tao1v"}); err != nil {
		t.Fatal(err)
	}
	if !c.Permit("tao1v") || c.Permit("tao1a") {
		t.Fatal("permits wrong")
	}
	got := c.Miners()
	if want := []Miner{{UID: 2, Hotkey: "tao1a"}, {UID: 5, Hotkey: "tao1b"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Miners = %+v", got)
	}
	got[0].Hotkey = "mutated"
	if c.Miners()[0].Hotkey != "tao1a" {
		t.Fatal("Miners exposes internal state")
	}
	if err := c.Update([]Miner{{UID: 1}, {UID: 1}}, nil); err == nil {
		t.Fatal("duplicate uid accepted")
	}
	if !c.Permit("tao1v") {
		t.Fatal("failed Update changed the snapshot")
	}
}

func TestCacheConcurrent(t *testing.T) {
	var c Cache
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				_ = c.Update([]Miner{{UID: uint16(j)}}, []string{"tao1v"})
				_ = c.Permit("tao1v")
				_ = c.Miners()
			}
		}()
	}
	wg.Wait()
}

func TestEndpointURL(t *testing.T) {
	for _, tc := range []struct {
		proto, host string
		port        uint32
		want        string
	}{
		{"http", "127.0.0.1", 8091, "http://127.0.0.1:8091"},
		{"https", "::1", 443, "https://[::1]:443"},
		{"http", "miner.example", 80, "http://miner.example:80"},
	} {
		got, err := EndpointURL(tc.proto, tc.host, tc.port)
		if err != nil || got != tc.want {
			t.Fatalf("EndpointURL(%q,%q,%d) = %q, %v", tc.proto, tc.host, tc.port, got, err)
		}
	}
	for _, tc := range []struct {
		proto, host string
		port        uint32
	}{{"grpc", "h", 1}, {"http", "", 1}, {"http", "h", 0}, {"http", "h", 70000}} {
		if _, err := EndpointURL(tc.proto, tc.host, tc.port); err == nil {
			t.Fatalf("EndpointURL(%q,%q,%d) accepted", tc.proto, tc.host, tc.port)
		}
	}
}

func TestRefresherRefreshesOnMissAtMostOncePerInterval(t *testing.T) {
	fetches := 0
	permitted := []string{"tao1old"}
	r := &Refresher{Cache: &Cache{}, MinInterval: time.Hour, Fetch: func(context.Context) ([]Miner, []string, error) {
		fetches++
		return nil, permitted, nil
	}}
	if err := r.Refresh(context.Background()); err != nil || fetches != 1 || !r.Permit("tao1old") {
		t.Fatalf("refresh: err %v fetches %d", err, fetches)
	}
	permitted = []string{"tao1old", "tao1new"}
	// Fresh snapshot: a miss does not query the chain again (rate limit).
	if r.Permit("tao1new") || fetches != 1 {
		t.Fatalf("miss within MinInterval fetched (%d fetches)", fetches)
	}
	r.MinInterval = 0
	if !r.Permit("tao1new") || fetches != 2 {
		t.Fatalf("stale miss did not refresh (%d fetches)", fetches)
	}
	if r.Permit("tao1never") != false || fetches != 3 {
		t.Fatalf("unknown hotkey: %d fetches", fetches)
	}
}
