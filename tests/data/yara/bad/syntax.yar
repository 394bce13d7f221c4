/* A rule file with a syntax error on line 7. */
rule Fine
{
	condition:
		true
}
rule Broken {
	strings:
		$a = "x"
	condition:
		$a and and
}
