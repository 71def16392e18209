package compress

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand"
	"testing"
)

// TestCRC32Combine: the combined CRC is the CRC of the concatenation, for
// lengths around the powers of two the combination walks.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 2, 3, 7, 8, 255, 256, 1000, 4096, 65537, 300000} {
		for _, m := range []int{0, 1, 5, 64, 1023, 100000} {
			a, b := make([]byte, n), make([]byte, m)
			rng.Read(a)
			rng.Read(b)
			want := crc32.ChecksumIEEE(append(append([]byte(nil), a...), b...))
			if got := CRC32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(m)); got != want {
				t.Fatalf("combine(%d, %d) = %08x, want %08x", n, m, got, want)
			}
		}
	}
}

// TestChunkedIsOneGzipMember: a stream of own bytes and copied chunks, in
// every order, is one gzip member that Go's reader (multistream off)
// reads to the end with its CRC and size checked, and that holds exactly
// the bytes in order. The parts repeat each other, so that a compressor
// not reset after a chunk would refer back across it and break the
// content.
func TestChunkedIsOneGzipMember(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	words := []string{`{"id":"`, `","notes":"Samtal vid busshållplatsen"`, `,"area":"city"}`, `[`, `]`, `,`, "\n"}
	text := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			b.WriteString(words[rng.Intn(len(words))])
			fmt.Fprintf(&b, "%d", rng.Intn(50))
		}
		return b.Bytes()
	}
	chunks := map[int]*Chunk{}
	raws := map[int][]byte{}
	for i, n := range []int{0, 1, 40, 3000, 70000} {
		raws[i] = text(n)
		c, err := NewChunk(raws[i], 6)
		if err != nil {
			t.Fatal(err)
		}
		chunks[i] = c
	}
	for round := 0; round < 60; round++ {
		level := []int{1, 6, 9}[round%3]
		var out bytes.Buffer
		bw := bufio.NewWriterSize(&out, 1024) // a buffer between, as in the pull
		z, err := NewChunked(bw, level)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		for part := 0; part < rng.Intn(12); part++ {
			if rng.Intn(2) == 0 {
				i := rng.Intn(len(chunks))
				if err := z.WriteChunk(chunks[i]); err != nil {
					t.Fatal(err)
				}
				want.Write(raws[i])
			} else {
				b := text(rng.Intn(5000))
				if part%3 == 0 {
					b = append(b, raws[rng.Intn(len(raws))]...) // a repeat of a chunk
				}
				z.Write(b)
				want.Write(b)
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		packed := out.Bytes()
		src := bytes.NewReader(packed)
		zr, err := gzip.NewReader(src)
		if err != nil {
			t.Fatalf("round %d: not gzip: %v", round, err)
		}
		zr.Multistream(false)
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("round %d: read (CRC and size are checked at the end): %v", round, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("round %d: %d bytes read, want %d, or they differ", round, len(got), want.Len())
		}
		if src.Len() != 0 {
			t.Fatalf("round %d: %d bytes after the first member", round, src.Len())
		}
	}
}

// TestChunkedTrailerIsChecked: the reader checks what the trailer says
// (so that the test above would see a wrong CRC or size).
func TestChunkedTrailerIsChecked(t *testing.T) {
	c, err := NewChunk(bytes.Repeat([]byte(`{"id":"x"},`), 500), 6)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	z, _ := NewChunked(&out, 1)
	z.Write([]byte(`{"changes":[`))
	z.WriteChunk(c)
	z.Write([]byte(`]}`))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{8, 4} { // CRC, size
		bad := append([]byte(nil), out.Bytes()...)
		bad[len(bad)-at] ^= 1
		zr, err := gzip.NewReader(bytes.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(zr); err == nil {
			t.Fatalf("a changed trailer byte %d from the end was not noticed", at)
		}
	}
}
