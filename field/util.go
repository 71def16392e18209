package field

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/core"

	"uppsok/internal/apierr"
)

// internalError logs an unexpected failure (the route and the error, no
// request details that could identify anyone) and answers 500 without
// internals, by the error policy of package apierr.
func (s *Service) internalError(e *core.RequestEvent, what string, err error) error {
	return apierr.Classify(e, fmt.Errorf("field %s: %w", what, err), s.cfg.DebugErrors, os.Stderr)
}
