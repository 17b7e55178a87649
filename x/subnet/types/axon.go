package types

import (
	"fmt"
	"net"
	"strings"
)

// MaxHostLength is the longest host accepted in an axon (a full DNS name).
const MaxHostLength = 253

// ValidateAxon checks an axon endpoint: host is an IPv4/IPv6 address (not unspecified or
// multicast) or a DNS name, port is 1..65535, protocol is HTTP or HTTPS and version is non-zero.
func ValidateAxon(host string, port uint32, protocol AxonProtocol, version uint32) error {
	if err := validateHost(host); err != nil {
		return ErrInvalidAxon.Wrap(err.Error())
	}
	if port == 0 || port > 65535 {
		return ErrInvalidAxon.Wrapf("port %d must be in [1, 65535]", port)
	}
	if protocol != AXON_PROTOCOL_HTTP && protocol != AXON_PROTOCOL_HTTPS {
		return ErrInvalidAxon.Wrapf("protocol %s must be AXON_PROTOCOL_HTTP or AXON_PROTOCOL_HTTPS", protocol)
	}
	if version == 0 {
		return ErrInvalidAxon.Wrap("version must be non-zero")
	}
	return nil
}

func validateHost(host string) error {
	if host == "" {
		return fmt.Errorf("host is empty")
	}
	if len(host) > MaxHostLength {
		return fmt.Errorf("host is %d bytes, at most %d allowed", len(host), MaxHostLength)
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsUnspecified() || ip.IsMulticast() {
			return fmt.Errorf("host %s is an unspecified or multicast address", host)
		}
		return nil
	}
	if strings.ContainsAny(host, ":[]") {
		return fmt.Errorf("host %q is neither an IP address nor a DNS name (no port or brackets)", host)
	}
	name := strings.TrimSuffix(host, ".")
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 {
			return fmt.Errorf("host %q has a DNS label of %d bytes, want 1..63", host, len(l))
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("host %q has a DNS label starting or ending with '-'", host)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("host %q contains %q; DNS names allow letters, digits, '-' and '.'", host, c)
			}
		}
	}
	// An all-numeric last label is a malformed IP address, not a DNS name.
	last := labels[len(labels)-1]
	if strings.Trim(last, "0123456789") == "" {
		return fmt.Errorf("host %q is not a valid IP address", host)
	}
	return nil
}
