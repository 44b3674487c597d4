package store

import (
	"encoding/binary"
	"time"
)

// A timekey orders mentions by creation time, then id: 4 bytes of unix
// seconds (unsigned, until 2106) and 4 bytes of id, big-endian.
const timekeyLen = 8

func timekey(t time.Time, id uint32) []byte {
	k := make([]byte, timekeyLen)
	putTimekey(k, t, id)
	return k
}

func putTimekey(k []byte, t time.Time, id uint32) {
	sec := t.Unix()
	if sec < 0 {
		sec = 0
	}
	if sec > 0xffffffff {
		sec = 0xffffffff
	}
	binary.BigEndian.PutUint32(k[0:4], uint32(sec))
	binary.BigEndian.PutUint32(k[4:8], id)
}

func timekeyTime(k []byte) time.Time {
	return time.Unix(int64(binary.BigEndian.Uint32(k[0:4])), 0).UTC()
}
func timekeyID(k []byte) uint32 { return binary.BigEndian.Uint32(k[4:8]) }

func u32(v uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return b
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func getU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// ixkey is an index key: value, a zero byte, then the timekey.
func ixkey(value string, tk []byte) []byte {
	k := make([]byte, 0, len(value)+1+timekeyLen)
	k = append(k, value...)
	k = append(k, 0)
	return append(k, tk...)
}

// ixprefix is the prefix of every index key for value.
func ixprefix(value string) []byte {
	k := make([]byte, 0, len(value)+1)
	k = append(k, value...)
	return append(k, 0)
}

// splitIxkey returns the value and timekey of an index key.
func splitIxkey(k []byte) (string, []byte, bool) {
	if len(k) < timekeyLen+1 || k[len(k)-timekeyLen-1] != 0 {
		return "", nil, false
	}
	return string(k[:len(k)-timekeyLen-1]), k[len(k)-timekeyLen:], true
}

func countKey(index, value string) []byte {
	k := make([]byte, 0, len(index)+1+len(value))
	k = append(k, index...)
	k = append(k, 0)
	return append(k, value...)
}
