// Package axon is the miner's HTTP server. It serves one model.Model to validators:
//
//	POST /v1/infer   signed task (protocol.InferRequest) → signed protocol.InferResponse
//	GET  /healthz    liveness ("ok")
//	GET  /metrics    Prometheus metrics of this axon
//
// Every /v1/infer request is authenticated by an auth.Verifier (signature, body hash, timestamp
// window, replay, validator permit) before its body is decoded. Responses to authenticated requests,
// including errors, are signed with the miner's hotkey over the request nonce, so the validator can
// tell the miner's answer from anything an intermediary says. Unauthenticated requests get an
// unsigned 401/403.
//
// The server bounds what a caller can make it do: request bodies are capped (413), prompt and
// candidate lengths are capped (400), at most MaxConcurrent tasks run at once (503 beyond), each
// task has a deadline (504), and HTTP read/write/idle timeouts apply. Shutdown stops accepting
// connections and waits for in-flight tasks until its context ends.
//
// Status codes: 200 ok, 400 bad task, 401 authentication failed, 403 no validator permit, 405 wrong
// method, 409 replayed nonce, 413 body too large, 500 model error, 503 busy, 504 model timed out.
package axon
