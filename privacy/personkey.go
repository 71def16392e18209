package privacy

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// KeyFileName is the file in the data directory that holds the generated
// person-code key (mode 0600). Back it up apart from the database: without it
// stored hashes can no longer be matched with new contacts.
const KeyFileName = "person_code.key"

// keyLen is the length of a person-code key in bytes.
const keyLen = 32

// Hasher turns person codes into keyed hashes (HMAC-SHA256). The raw code is
// never stored; the key lives outside the database so that a copy of the
// database alone cannot be used to test guesses of codes.
type Hasher struct {
	key []byte
}

// NewHasher returns a Hasher for a key of at least 32 bytes.
func NewHasher(key []byte) (*Hasher, error) {
	if len(key) < keyLen {
		return nil, fmt.Errorf("person-code key: need at least %d bytes, got %d", keyLen, len(key))
	}
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// ErrKeyMissing is returned by ReadKey when no key is given and the key
// file does not exist.
var ErrKeyMissing = errors.New("person-code key missing")

// ReadKey returns the person-code key: key when it is given
// (UPPSOK_PERSON_KEY, see package settings), else the key in KeyFileName in
// dataDir; ErrKeyMissing when there is none. It never creates a key.
func ReadKey(dataDir string, key []byte) ([]byte, error) {
	if key != nil {
		return key, nil
	}
	path := filepath.Join(dataDir, KeyFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrKeyMissing
	}
	if err != nil {
		return nil, fmt.Errorf("read person-code key file: %w", err)
	}
	fileKey, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("person-code key file %s: not hex: %w", path, err)
	}
	return fileKey, nil
}

// Fingerprint identifies a key without revealing it: the hex HMAC-SHA256
// of a fixed label under the key. It is stored in the database to notice a
// lost or swapped key.
func Fingerprint(key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("uppsok person-code key fingerprint v1"))
	return hex.EncodeToString(mac.Sum(nil))
}

// Fingerprint returns the fingerprint of the hasher's key.
func (h *Hasher) Fingerprint() string { return Fingerprint(h.key) }

// LoadHasher returns the Hasher for a data directory: for key when it is
// given (UPPSOK_PERSON_KEY, see package settings), otherwise for the key in
// KeyFileName in dataDir, generated with mode 0600 on first use.
func LoadHasher(dataDir string, key []byte) (*Hasher, error) {
	if key != nil {
		return NewHasher(key)
	}
	path := filepath.Join(dataDir, KeyFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, keyLen)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generate person-code key: %w", err)
		}
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		// O_EXCL: two processes starting at once must not write two keys.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, os.ErrExist) {
				return LoadHasher(dataDir, nil)
			}
			return nil, fmt.Errorf("create person-code key file: %w", err)
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("write person-code key file: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, fmt.Errorf("sync person-code key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("close person-code key file: %w", err)
		}
		return NewHasher(key)
	}
	if err != nil {
		return nil, fmt.Errorf("read person-code key file: %w", err)
	}
	fileKey, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("person-code key file %s: not hex: %w", path, err)
	}
	return NewHasher(fileKey)
}

// NormalizeCode folds the ways a worker may type the same code into one:
// letters upper-cased, and spaces, dashes, dots, slashes and underscores
// removed ("an-sv 1998" and "ANSV1998" are the same person code).
func NormalizeCode(code string) string {
	var b strings.Builder
	for _, r := range code {
		switch {
		case unicode.IsSpace(r), r == '-', r == '–', r == '.', r == '/', r == '_':
			continue
		case unicode.IsControl(r):
			continue
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// Hash returns the hex HMAC-SHA256 of the normalised code, or "" when the
// code is empty after normalisation.
func (h *Hasher) Hash(code string) string {
	n := NormalizeCode(code)
	if n == "" {
		return ""
	}
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(n))
	return hex.EncodeToString(mac.Sum(nil))
}
