import Synchronization

/// The bytes of replies encoded and not yet written to their sockets, over every connection of both
/// ports. Each connection stops being served once it holds 256 KiB unread, but a reply can be far
/// larger (`SEARCH LIMIT 10000 SNIPPET 10000 …`: 17 MB over frdocs), so that many connections whose
/// clients read nothing could each hold a few such replies. Past `limit`, the requests whose replies
/// can be large are refused with `busy` until the clients read (as Elasticsearch's circuit breakers
/// refuse a request with 429): what the server holds stays under the limit plus one reply a thread.
final class ReplyMemory: Sendable {
    let limit: Int
    private let held = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    var bytesHeld: Int { held.load(ordering: .relaxed) }

    func hold(_ bytes: Int) {
        held.wrappingAdd(bytes, ordering: .relaxed)
    }

    func release(_ bytes: Int) {
        held.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// Whether `request` is refused now: it may make a large reply and the replies held have reached
    /// the limit. Connection commands, counts and the index's statistics always run.
    func refuses(_ request: Request) -> Bool {
        switch request {
        case .search, .get, .highlight, .terms, .analyze: return bytesHeld >= limit
        case .ping, .count, .suggest, .complete, .stats, .fields, .reload, .format, .auth, .help, .quit: return false
        }
    }

    /// The reply to a refused request.
    var busy: ProtocolError {
        ProtocolError(code: .busy, message: "replies not yet read by their clients hold \(bytesHeld >> 20) MB, "
                      + "over the server's \(limit >> 20) MB (--max-reply-memory); try again")
    }
}
