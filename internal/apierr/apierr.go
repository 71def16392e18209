// Package apierr is uppsok's error policy for HTTP routes. A client fault
// is a 400 with a plain message; an internal failure is a 500 with no
// detail, logged. Model: PocketBase's apis/backup.go (e.BadRequestError vs
// e.InternalServerError("", err)).
//
// Handlers return what they meet: a *router.ApiError answers as it is, an
// error made with Input is the client's fault (400 with its message), a
// validation error of PocketBase is the client's fault too (400 with its
// fields), a missing row stays PocketBase's 404, and every other error is an
// internal failure. Without this policy PocketBase would answer a plain
// error, a failed query included, with 400.
package apierr

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// InternalMessage is the whole answer to an internal failure.
const InternalMessage = "Serverfel, försök igen. / Server error, please try again."

// InputError is a client fault: its message is shown to the client as it
// is, so it must be plain words (Swedish / English), never an internal error.
type InputError struct {
	msg string
}

// Error returns the plain message.
func (e *InputError) Error() string { return e.msg }

// Input returns a client fault with a plain message, e.g.
//
//	apierr.Input("inga kort / no cards")
func Input(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

// Internal marks err as an internal failure where PocketBase would turn a
// plain error into 400: in record hooks, whose errors the record API
// answers with 400 unless they are an API error. The policy logs err and
// answers 500 with no detail.
func Internal(err error) error {
	return apis.NewInternalServerError(InternalMessage, err)
}

// MiddlewareID names the middleware (PocketBase's hook id).
const MiddlewareID = "uppsokErrorPolicy"

// Register applies the policy to every route of app. With debug, internal
// failures are also printed to stderr (UPPSOK_DEBUG_ERRORS).
func Register(app core.App, debug bool, stderr io.Writer) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id: MiddlewareID,
				Func: func(e *core.RequestEvent) error {
					err := e.Next()
					if err == nil {
						return nil
					}
					return Classify(e, err, debug, stderr)
				},
			})
			return se.Next()
		},
	})
}

// Classify turns what a handler returned into the answer the policy gives,
// logging internal failures.
func Classify(e *core.RequestEvent, err error, debug bool, stderr io.Writer) error {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		raw, internal := apiErr.RawData().(error)
		if apiErr.Status < http.StatusInternalServerError || !internal {
			return apiErr
		}
		err = raw // an internal failure marked by Internal (or PocketBase): logged below
	}
	var in *InputError
	if errors.As(err, &in) {
		return apis.NewBadRequestError(in.msg, nil)
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return apis.NewBadRequestError("Ogiltiga värden. / Invalid values.", verrs)
	}
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, fs.ErrNotExist) {
		return apis.NewNotFoundError("", nil)
	}
	route := e.Request.Pattern
	if route == "" {
		route = e.Request.URL.Path
	}
	// The route and the error only: never the query string or the body,
	// which may hold what a user typed.
	e.App.Logger().Error("internal error", "method", e.Request.Method, "route", route, "error", err.Error())
	if debug && stderr != nil {
		fmt.Fprintln(stderr, "internal error:", e.Request.Method, route, err.Error())
	}
	return apis.NewInternalServerError(InternalMessage, nil)
}
