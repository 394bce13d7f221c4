/* Pathological: for every byte, look at every byte (quadratic in filesize); the
 * condition is never true, so no loop can stop early. */
rule Test_Slow
{
	meta:
		severity = "low"
	condition:
		for any i in (0..filesize) : (
			for any j in (0..filesize) : ( uint8(j) == 0x42 and i == j + 0x7fffffff )
		)
}
