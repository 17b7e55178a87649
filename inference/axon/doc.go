// Package axon is the miner's HTTP server. It serves one model.Model to validators:
//
//	POST /v1/infer                     signed task (protocol.InferRequest) → signed protocol.InferResponse
//	GET  /v1/federated/update?epoch=N  the miner's signed model update of epoch N (federated subnets)
//	GET  /healthz                      liveness ("ok")
//	GET  /metrics                      Prometheus metrics of this axon
//
// Every /v1/infer request is authenticated by an auth.Verifier (signature, body hash, timestamp
// window, replay, validator permit) before its body is decoded. Responses to authenticated requests,
// including errors, are signed with the miner's hotkey over the request nonce, so the validator can
// tell the miner's answer from anything an intermediary says. Requests refused before they are
// authenticated get an unsigned answer and the connection is closed.
//
// The server bounds what a caller can make it do, cheapest check first, so that nobody holds one of
// the MaxConcurrent task slots without being authenticated: at most MaxReadsPerIP requests per
// client IP (IPv6: per /64) are being admitted at once (429 beyond); headers are read within
// HeaderTimeout and authenticated on their own, since the signature covers the body hash (401, 403,
// 409), so a caller without a permitted key never has its body read; the body is read within
// BodyTimeout (408) and capped (413), then checked against the signed hash. Only then does the task
// take a slot (503 if none is free); prompt and candidate lengths are capped (400), each task has a
// deadline (504), and idle and write timeouts apply. Shutdown stops accepting connections and waits
// for in-flight tasks until its context ends.
//
// # Federated updates
//
// On a federated subnet the miner publishes one model update an epoch (inference/federated,
// inference/fednode) and peers fetch it here. The body is fednode's wire format,
// application/octet-stream:
//
//	u8(len(pub_key)) pub_key u8(len(signature)) signature update_bytes
//
// update_bytes being federated.Update.Encode's canonical encoding, whose sha256 and length the
// miner committed on chain, signed by its hotkey. The endpoint is unauthenticated, unlike
// /v1/infer: its callers are miners, which have no validator permit, and an update is public once
// its hash is on chain — the signature and the committed hash, not the transport, are what a peer
// trusts, so a signed request would protect nothing. It is read-only and cheap (a map lookup of
// bytes already encoded), shares /v1/infer's per-IP limit of MaxReadsPerIP requests at once (429
// beyond), and the server's header, write and idle timeouts. A response never exceeds
// MaxUpdateResponseBytes (500 instead), and a peer reads no more than the committed size plus the
// framing anyway. An axon without Config.Updates answers 404, as it does for an epoch it holds no
// update for; an epoch that is not one decimal uint64, or other query parameters, get 400.
//
// Status codes: 200 ok, 400 bad task, 401 authentication failed, 403 no validator permit, 405 wrong
// method, 408 body too slow, 409 replayed nonce, 413 body too large, 429 too many requests from one
// IP being read, 500 model error, 503 busy, 504 model timed out.
package axon
