// Package protocol defines the JSON wire format between validators (package dendrite) and miners
// (package axon): paths, task kinds, request and response bodies. Authentication headers are
// defined by package auth.
package protocol
