// Package gfm is goldmark v1.7.8's extension package (MIT, see LICENSE), cut
// to the GitHub Flavored Markdown extensions (linkify, tables,
// strikethrough, task lists) and definition lists, which glamour registers.
//
// The one change: its seven regular expressions are compiled when first
// needed instead of by the package initialiser: the two linkify patterns
// when a renderer is built (goldmark.New makes the linkify parser), the
// table and task-list ones at the first table or list item parsed. The
// linkify patterns repeat a class up to 256 times; compiling them grows
// the goroutine stack to megabytes, and every kvdo process paid for that
// before main: 160 of the 990 page faults of `kvdo --version`. The rest
// is upstream's code.
package gfm
