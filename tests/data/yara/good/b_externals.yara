/* Rules on the external variables Embargo sets for every part. */
rule Test_Ext_Exe
{
	meta:
		severity = "critical"
	condition:
		extension == "exe"
}

rule Test_Filename
{
	meta:
		severity = "low"
	condition:
		filename matches /^Invoice[0-9]+\./
}

rule Test_Mime_Depth_Path
{
	meta:
		severity = "low"
	condition:
		mime_type == "text/x-embargo-test" and depth == 2 and part_path contains "inner.bin"
}
