package web

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// errNoNode stands in for a node error when no Chain was configured.
var errNoNode = errors.New("no node configured")

// liveCtx bounds one call to the node.
func liveCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, liveTimeout)
}

// liveError sorts a node error: the user's fault (InvalidArgument → 400) or a missing thing
// (NotFound → 404) become page errors; anything else means the node cannot answer, which the
// page shows as "node unavailable" in the live section and returns as the second value.
func liveError(err error, what string) (pageErr error, unavailable string) {
	if err == nil {
		return nil, ""
	}
	if st, ok := status.FromError(err); ok {
		switch st.Code() {
		case codes.NotFound:
			return notFound("%s: %s", what, st.Message()), ""
		case codes.InvalidArgument:
			return badRequest("%s: %s", what, st.Message()), ""
		}
	}
	return nil, "node unavailable: " + err.Error()
}

// isNotFound reports a NotFound status from the node.
func isNotFound(err error) bool {
	return status.Code(err) == codes.NotFound
}

// sectionError is the text of a live section the node could not fill. The home page's queries
// take no user input, so even a NotFound there is the node's problem and is shown, not raised.
func sectionError(err error, what string) string {
	return "node unavailable: " + what + ": " + err.Error()
}
