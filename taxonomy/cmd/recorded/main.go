// Command recorded writes the "What is recorded" page from the code lists:
//
//	go run ./taxonomy/cmd/recorded > docs/recorded.md
package main

import (
	"os"

	"uppsok/taxonomy"
)

func main() {
	os.Stdout.Write(taxonomy.Recorded())
}
