/*
 * An uncompressed Windows executable (MZ with a PE header where e_lfanew points)
 * inside an OLE2, PDF or OneNote file: a dropped payload or embedded package.
 * Complements ole.c/pdf.c/onenote.c, which find it through structure; this finds it
 * even where a structure is broken. Compressed payloads are found in the extracted
 * parts by the type checks, not here.
 */
rule Embargo_PE_In_Document : pe embedded
{
	meta:
		severity = "high"
		description = "a Windows PE executable embedded in a document"
	strings:
		/* MZ and the high byte of e_cblp (bytes on last page, < 512): a 3-byte
		 * pattern with a wildcard finds far fewer candidates than "MZ" alone */
		$mz = { 4D 5A ?? (00 | 01) }
	condition:
		(uint32be(0) == 0xD0CF11E0 or uint32be(0) == 0x25504446 or
		 uint32be(0) == 0xE4525C7B) and
		for any i in (1..#mz) : (
			@mz[i] > 0 and uint32(@mz[i] + 0x3c) < 0x1000 and
			uint32(@mz[i] + uint32(@mz[i] + 0x3c)) == 0x00004550
		)
}
