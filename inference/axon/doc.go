// Package axon is the miner's HTTP server. It serves one model.Model to validators:
//
//	POST /v1/infer   signed task (protocol.InferRequest) → signed protocol.InferResponse
//	GET  /healthz    liveness ("ok")
//	GET  /metrics    Prometheus metrics of this axon
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
// Status codes: 200 ok, 400 bad task, 401 authentication failed, 403 no validator permit, 405 wrong
// method, 408 body too slow, 409 replayed nonce, 413 body too large, 429 too many requests from one
// IP being read, 500 model error, 503 busy, 504 model timed out.
package axon
