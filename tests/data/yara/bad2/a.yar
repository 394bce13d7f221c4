/* error on line 3 */
rule A_Bad {
	condition: and
}
