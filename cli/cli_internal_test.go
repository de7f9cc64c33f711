package cli

import (
	"slices"
	"testing"
)

func TestRelativeTargetsLast(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"downgrade", "-1"}, []string{"downgrade", "--", "-1"}},
		{[]string{"-q", "downgrade", "-2", "--allow-changed"}, []string{"-q", "downgrade", "--allow-changed", "--", "-2"}},
		{[]string{"history", "-r", "-3:"}, []string{"history", "-r", "-3:"}},
		{[]string{"revision", "-m", "-1"}, []string{"revision", "-m", "-1"}},
		{[]string{"downgrade", "--", "-1"}, []string{"downgrade", "--", "-1"}},
		{[]string{"upgrade", "+2"}, []string{"upgrade", "+2"}},
		{[]string{"upgrade", "-x1"}, []string{"upgrade", "-x1"}},
	}
	for _, c := range cases {
		if got := relativeTargetsLast(c.in); !slices.Equal(got, c.want) {
			t.Errorf("relativeTargetsLast(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
