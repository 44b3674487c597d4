//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// readFileInto reads a file into buf (grown as needed) and returns it:
// one buffer for all the files of a check, and only open, read and close
// (os.Open adds a stat, a fcntl and an epoll registration per file, which
// over a thousand drafts cost more than checking them).
func readFileInto(buf []byte, name string) ([]byte, error) {
	buf = buf[:0]
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return buf, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
