package compress

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// A reply that repeats long runs of bytes other replies carry too (a
// pull's rows: every tablet of a team gets its team's window) need not
// compress them again. A Chunk is such a run compressed once: raw deflate
// blocks that start from an empty dictionary and end byte-aligned (a sync
// flush, no final block), with the CRC-32 and length of what they hold.
// A Chunked stream is ONE ordinary gzip member (RFC 1952) in which the
// bytes written to it are compressed as they come and Chunks are copied in
// as they are: the stream's compressor is flushed before a chunk and
// reset after it, so that no back-reference crosses a chunk, and the
// trailer's CRC-32 is the CRCs of the parts combined (zlib's
// crc32_combine). Any gzip reader reads it as one member.

// Chunk is a run of bytes compressed once, to be copied into Chunked
// streams.
type Chunk struct {
	// Deflate holds raw deflate blocks, none final, ending byte-aligned.
	Deflate []byte
	// CRC is the CRC-32 (IEEE) of the uncompressed bytes.
	CRC uint32
	// Size is the length of the uncompressed bytes.
	Size int64
}

var flatePools sync.Map // level → *sync.Pool of *flate.Writer

func flatePool(level int) *sync.Pool {
	if p, ok := flatePools.Load(level); ok {
		return p.(*sync.Pool)
	}
	p, _ := flatePools.LoadOrStore(level, &sync.Pool{New: func() any {
		fw, err := flate.NewWriter(io.Discard, level)
		if err != nil {
			panic(fmt.Sprintf("compress: flate level %d: %v", level, err))
		}
		return fw
	}})
	return p.(*sync.Pool)
}

// NewChunk compresses raw at level (flate's levels, 1 to 9) into a Chunk.
func NewChunk(raw []byte, level int) (*Chunk, error) {
	pool := flatePool(level)
	fw := pool.Get().(*flate.Writer)
	defer pool.Put(fw)
	var buf bytes.Buffer
	buf.Grow(len(raw)/4 + 64)
	fw.Reset(&buf)
	if _, err := fw.Write(raw); err != nil {
		return nil, err
	}
	if err := fw.Flush(); err != nil { // a sync flush: byte-aligned, not final
		return nil, err
	}
	out := make([]byte, buf.Len()) // the pooled writer's buffer stays behind
	copy(out, buf.Bytes())
	return &Chunk{Deflate: out, CRC: crc32.ChecksumIEEE(raw), Size: int64(len(raw))}, nil
}

// Chunked writes one gzip member: bytes written are compressed at the
// stream's level, chunks are copied in (WriteChunk). Close writes the last
// block and the trailer and pools the compressor.
type Chunked struct {
	w     io.Writer
	fw    *flate.Writer
	pool  *sync.Pool
	crc   uint32
	size  int64
	dirty bool // bytes were written since the last chunk
}

// gzipHeader is a member header without name, comment or time: ID1 ID2,
// CM deflate, no flags, MTIME 0, XFL 0, OS unknown.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// NewChunked starts a gzip member on w whose own bytes are compressed at
// level (flate's levels, 1 to 9).
func NewChunked(w io.Writer, level int) (*Chunked, error) {
	if _, err := w.Write(gzipHeader); err != nil {
		return nil, err
	}
	pool := flatePool(level)
	fw := pool.Get().(*flate.Writer)
	fw.Reset(w)
	return &Chunked{w: w, fw: fw, pool: pool}, nil
}

// Write compresses p into the stream.
func (z *Chunked) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	z.crc = crc32.Update(z.crc, crc32.IEEETable, p)
	z.size += int64(len(p))
	z.dirty = true
	return z.fw.Write(p)
}

// WriteChunk copies c into the stream after what was written before it.
func (z *Chunked) WriteChunk(c *Chunk) error {
	if z.dirty {
		// Ends the compressor's blocks byte-aligned, so that the chunk's
		// blocks follow them.
		if err := z.fw.Flush(); err != nil {
			return err
		}
		z.dirty = false
	}
	if _, err := z.w.Write(c.Deflate); err != nil {
		return err
	}
	z.crc = CRC32Combine(z.crc, c.CRC, c.Size)
	z.size += c.Size
	// What follows the chunk must not refer back across it: the
	// compressor's window does not hold the chunk's bytes.
	z.fw.Reset(z.w)
	return nil
}

// Close writes the final block and the gzip trailer (CRC-32 and size of
// everything the member holds). The stream must not be used after.
func (z *Chunked) Close() error {
	err := z.fw.Close()
	z.pool.Put(z.fw)
	z.fw = nil
	if err != nil {
		return err
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], z.crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(z.size))
	_, err = z.w.Write(trailer[:])
	return err
}

// CRC32Combine returns the CRC-32 (IEEE) of A followed by B from the CRCs
// of A and B and the length of B: zlib's crc32_combine, computed with
// polynomials modulo the CRC's (x^(8·lenB) times crcA, plus crcB).
func CRC32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	return multModP(x2nModP(lenB, 3), crcA) ^ crcB
}

// crcPoly is the reflected IEEE polynomial.
const crcPoly = 0xedb88320

// multModP multiplies a and b modulo the CRC polynomial (bit-reflected:
// the high bit is x^0).
func multModP(a, b uint32) uint32 {
	m := uint32(1) << 31
	var p uint32
	for {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		m >>= 1
		if b&1 != 0 {
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// x2nTable[k] is x^(2^k) modulo the CRC polynomial.
var x2nTable = func() (t [32]uint32) {
	p := uint32(1) << 30 // x^1
	t[0] = p
	for k := 1; k < 32; k++ {
		p = multModP(p, p)
		t[k] = p
	}
	return t
}()

// x2nModP is x^(n·2^k) modulo the CRC polynomial.
func x2nModP(n int64, k uint) uint32 {
	p := uint32(1) << 31 // x^0
	for n != 0 {
		if n&1 != 0 {
			p = multModP(x2nTable[k&31], p)
		}
		n >>= 1
		k++
	}
	return p
}
