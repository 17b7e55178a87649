package axon

import "testing"

func TestClientKey(t *testing.T) {
	for remote, want := range map[string]string{
		"203.0.113.7:8091":               "203.0.113.7",
		"[::ffff:203.0.113.7]:8091":      "203.0.113.7", // IPv4 over an IPv6 socket
		"[2001:db8:1:2:3:4:5:6]:8091":    "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1%eth0]:80": "2001:db8:1:2::/64",
		"not an address":                 "not an address",
	} {
		if got := clientKey(remote); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", remote, got, want)
		}
	}
}
