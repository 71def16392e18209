// Command taxonomyjson writes the code lists as JSON for the field app:
//
//	go run ./taxonomy/cmd/taxonomyjson > field/app/src/taxonomy.json
package main

import (
	"fmt"
	"os"

	"uppsok/taxonomy"
)

func main() {
	b, err := taxonomy.JSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
