package intake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// ErrReference means a typed application reference has the wrong length,
// a character outside the alphabet, or a wrong check character.
var ErrReference = errors.New("intake: invalid application reference")

// Reference identifies one application. It is shown to the parent as two groups of four, "K7QM-4XR6".
//
// It is stored as the 8 characters without the hyphen: 7 random characters
// and 1 check character.
//
// The check character makes the weighted sum Σ w·v ≡ 0 (mod 31), where v is
// a character's position in the alphabet and the weights are 8,7,…,2 for the
// random characters and 1 for the check character. Because 31 is prime and
// the weights are distinct and non-zero mod 31, every single mistyped
// character and every swap of two different characters (adjacent or not) is
// detected. Luhn mod 31 was not used: it misses the adjacent swap of the
// characters with values 0 and 30 ("2Z" ↔ "Z2"), just as Luhn mod 10 misses
// "09" ↔ "90".
type Reference string

// referenceAlphabet leaves out look-alikes (0/O, 1/I/L) so a reference read
// aloud or copied by hand survives.
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

const (
	referenceRandomLen = 7
	referenceLen       = referenceRandomLen + 1
	// referenceByteLimit is the largest multiple of 31 that fits a byte
	// (248); bytes at or above it are skipped, because mapping them with
	// mod 31 would make the first eight characters more likely.
	referenceByteLimit = 256 - 256%len(referenceAlphabet)
	// referenceMaxBytes bounds the bytes read, so a broken source that only
	// yields rejected bytes fails instead of hanging. A good source needs
	// more than this with a probability far below 2^-1000.
	referenceMaxBytes = 1024
)

// NewReference returns a new random reference. Production passes
// crypto/rand.Reader; tests may pass a deterministic reader. It reads only as
// many bytes as it still needs, so the same bytes give the same reference.
func NewReference(random io.Reader) (Reference, error) {
	var ref [referenceLen]byte
	var buf [referenceRandomLen]byte
	n, read := 0, 0
	for n < referenceRandomLen {
		if read >= referenceMaxBytes {
			return "", errors.New("intake: random source gave no usable bytes")
		}
		chunk := buf[:referenceRandomLen-n]
		if _, err := io.ReadFull(random, chunk); err != nil {
			return "", fmt.Errorf("intake: reading random bytes: %w", err)
		}
		read += len(chunk)
		for _, b := range chunk {
			if int(b) >= referenceByteLimit {
				continue
			}
			ref[n] = referenceAlphabet[int(b)%len(referenceAlphabet)]
			n++
		}
	}
	ref[referenceRandomLen] = referenceAlphabet[referenceCheck(ref[:referenceRandomLen])]
	return Reference(ref[:]), nil
}

// ParseReference parses a reference as a parent types it: lower case is
// accepted and spaces and hyphens anywhere are ignored. It returns
// ErrReference for a wrong length, a character outside the alphabet, or a
// wrong check character.
func ParseReference(s string) (Reference, error) {
	ref := make([]byte, 0, referenceLen)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '-' {
			continue
		}
		if len(ref) == referenceLen {
			return "", ErrReference
		}
		// ASCII only: strings.ToUpper would turn e.g. "ſ" into "S".
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if strings.IndexByte(referenceAlphabet, c) < 0 {
			return "", ErrReference
		}
		ref = append(ref, c)
	}
	if len(ref) != referenceLen {
		return "", ErrReference
	}
	if referenceAlphabet[referenceCheck(ref[:referenceRandomLen])] != ref[referenceRandomLen] {
		return "", ErrReference
	}
	return Reference(ref), nil
}

// String returns the display form "K7QM-4XR6". A value that is not 8
// characters long is returned unchanged.
func (r Reference) String() string {
	if len(r) != referenceLen {
		return string(r)
	}
	return string(r[:4]) + "-" + string(r[4:])
}

// referenceCheck returns the alphabet index of the check character for the
// random characters, which must all be in the alphabet.
func referenceCheck(random []byte) int {
	const n = len(referenceAlphabet)
	sum := 0
	for i, c := range random {
		weight := len(random) + 1 - i // 8,7,…,2; the check character has 1
		sum += weight * strings.IndexByte(referenceAlphabet, c)
	}
	return (n - sum%n) % n
}

// ReferenceFor is the reference of an application: made from its
// answers, with the deployment's secret key, so that the same answers
// always have the same reference (sent twice, they are recognisably one
// application) and no client can choose one or attach another
// application's. values are the answers as checked and tidied; their
// encoding sorts them, so the order they came in does not matter.
func ReferenceFor(key []byte, form string, values url.Values) Reference {
	ref, err := NewReference(&macStream{key: key, msg: []byte(form + "\x00" + values.Encode())})
	if err != nil {
		panic(err) // the stream never ends
	}
	return ref
}

// macStream is HMAC-SHA256(key, counter || msg) for counter 0, 1, 2, …:
// bytes as good as random to anyone without the key, the same every time.
type macStream struct {
	key, msg []byte
	n        uint32
	buf      []byte
}

func (s *macStream) Read(p []byte) (int, error) {
	for len(s.buf) < len(p) {
		m := hmac.New(sha256.New, s.key)
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], s.n)
		s.n++
		m.Write(c[:])
		m.Write(s.msg)
		s.buf = m.Sum(s.buf)
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}
