/* A string that matches at every byte of a buffer of 'A's. */
rule Test_Many
{
	strings:
		$a = "AAAA"
	condition:
		#a > 10
}
