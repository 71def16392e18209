package field

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"

	validation "github.com/go-ozzo/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

func mustRegexp(p string) *regexp.Regexp { return regexp.MustCompile(p) }

func contextBackground() context.Context { return context.Background() }

// isValidationError reports a PocketBase validation failure (a record the
// sanitiser let through but the collection refuses), as opposed to a
// storage error that must abort the push.
func isValidationError(err error) bool {
	var verrs validation.Errors
	return errors.As(err, &verrs)
}

// internalError logs an unexpected failure (without request details that
// could identify anyone) and answers 500 without internals.
func internalError(e *core.RequestEvent, what string, err error) error {
	e.App.Logger().Error("field: "+what, "error", err.Error())
	if os.Getenv("UPPSOK_DEBUG_ERRORS") != "" {
		fmt.Fprintln(os.Stderr, "field:", what, err.Error())
	}
	return apis.NewInternalServerError("Serverfel, försök igen. / Server error, please try again.", nil)
}
