package field

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// EnvDebugErrors names the environment variable that, when set, also
// prints unexpected sync errors to stderr (they always go to the app log).
const EnvDebugErrors = "UPPSOK_DEBUG_ERRORS"

// internalError logs an unexpected failure (without request details that
// could identify anyone) and answers 500 without internals.
func internalError(e *core.RequestEvent, what string, err error) error {
	e.App.Logger().Error("field: "+what, "error", err.Error())
	if os.Getenv(EnvDebugErrors) != "" {
		fmt.Fprintln(os.Stderr, "field:", what, err.Error())
	}
	return apis.NewInternalServerError("Serverfel, försök igen. / Server error, please try again.", nil)
}
