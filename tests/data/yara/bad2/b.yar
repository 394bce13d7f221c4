rule B_Fine { condition: filesize > 0 }
