# gen.py N > big.json: a valid single-line collab-extract/1 extract of about
# 50 MB for N = 40000 (N organisations in 40 regions, N people employed by
# them, 2N relations with an evidence quote each).  Deterministic, fast
# (no json module), standard library only.
import sys

n = int(sys.argv[1])
quote = ("enligt artikeln samarbetar organisationen med flera aktörer i regionen "
         "kring energieffektivisering, cirkulär ekonomi och förnybar energi; projektet "
         "finansieras delvis av regionala utvecklingsmedel och pågår i tre år; i styrgruppen sitter "
         "representanter för kommunen, universitetet, klustret och flera företag som tillsammans "
         "ska ta fram nya affärsmodeller för hållbara material, transporter och byggande")
w = sys.stdout.write
w('{"format":"collab-extract/1","dataset":{"id":"large-valid","title":"generated"},')
w('"sources":[' + ','.join('{"id":"s%03d","title":"Artikel %d","date":"2019-05-%02d"}' % (i, i, 1 + i % 28)
                          for i in range(100)) + '],')
w('"regions":[' + ','.join('{"id":"R%02d","name":"Region %d","level":"NUTS3","lat":%.2f,"lon":%.2f}'
                          % (i, i, 55 + i * 0.3, 11 + i * 0.2) for i in range(40)) + '],')
w('"entities":[')
w(','.join('{"id":"org%06d","kind":"organisation","type":"company","name":"Organisation %d AB","region":"R%02d"}'
           % (i, i, i % 40) for i in range(n)))
w(',')
w(','.join('{"id":"p%06d","kind":"person","name":"Person %d","aliases":["P. %d"]}' % (i, i, i) for i in range(n)))
w('],"relations":[')
w(','.join('{"source":"p%06d","target":"org%06d","type":"employed_by","role":"CEO","start":"2017",'
           '"evidence":[{"source":"s%03d","quote":"%s"}]}' % (i, i, i % 100, quote) for i in range(n)))
w(',')
w(','.join('{"source":"org%06d","target":"org%06d","type":"partner_of","weight":%d,'
           '"evidence":[{"source":"s%03d","quote":"%s"}]}' % (i, (i * 7 + 1) % n, 1 + i % 3, i % 100, quote)
           for i in range(n)))
w(']}')
