package field

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// internalError logs an unexpected failure (without request details that
// could identify anyone) and answers 500 without internals.
func (s *Service) internalError(e *core.RequestEvent, what string, err error) error {
	e.App.Logger().Error("field: "+what, "error", err.Error())
	if s.cfg.DebugErrors {
		fmt.Fprintln(os.Stderr, "field:", what, err.Error())
	}
	return apis.NewInternalServerError("Serverfel, försök igen. / Server error, please try again.", nil)
}
