"""A remote SPARQL store: the query side the app serves from, and the write side of `kg load`.

One concern per module, each depending only on those above it:

    body        an answer's body, read under the call's deadline; RemoteError
    transport   HTTP on urllib3: a keep-alive pool per endpoint, one retry on a dropped
                keep-alive connection, Basic auth, fork safety, the whole-call deadline
    dialects    how stores differ: time-limit parameters, time-outs, partial answers,
                Virtuoso's blank nodes
    answers     RemoteSolutions, RemoteTriples: answers read by pyoxigraph's parsers,
                small ones whole, big ones as they arrive
    sparql      RemoteStore: the SPARQL 1.1 Protocol behind a Store's read methods
    load        GraphStore (the Graph Store Protocol) and push_artifact: `kg load`

`load` builds on kg.store (it reads the local build); kg.store builds on the rest. So this
package exports the query side only: import the write side from kg.remote.load.
"""

from kg.remote.answers import RemoteSolutions, RemoteTriples
from kg.remote.body import RemoteError
from kg.remote.sparql import DEFAULT_TIMEOUT_S, RemoteStore

__all__ = ["DEFAULT_TIMEOUT_S", "RemoteError", "RemoteSolutions", "RemoteStore",
           "RemoteTriples"]
