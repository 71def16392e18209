package exports

import "testing"

func TestCSVText(t *testing.T) {
	scenarios := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+46 70", "'+46 70"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"Mikamottagningen", "Mikamottagningen"},
		{"15_17", "15_17"},
		{"a=b", "a=b"},
		{"", ""},
	}
	for _, s := range scenarios {
		if got := csvText(s.in); got != s.want {
			t.Errorf("csvText(%q) = %q, want %q", s.in, got, s.want)
		}
	}
}
