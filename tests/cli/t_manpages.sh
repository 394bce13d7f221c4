# t_manpages.sh: every man page in doc/ renders with groff's warnings on and none
# printed (a stray form feed where \fR was meant once slipped into two pages).
for f in "$EMBARGO_ROOT"/doc/*.[158]; do
	w=$(groff -man -ww -z "$f" 2>&1)
	check "$(basename "$f") renders without warnings${w:+: $w}" test -z "$w"
done
