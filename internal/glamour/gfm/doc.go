// Package gfm is goldmark v1.7.8's extension package (MIT, see LICENSE), cut
// to the GitHub Flavored Markdown extensions (linkify, tables,
// strikethrough, task lists) and definition lists, which glamour registers.
//
// The one change: its seven regular expressions are compiled on first use
// instead of by the package initialiser. The linkify patterns repeat a
// class up to 256 times; compiling them grows the goroutine stack to
// megabytes, and every kvdo process paid for that before main, about a
// fifth of `kvdo --version`. The rest is upstream's code.
package gfm
