import Fluent
import Vapor
import PinganKit

/// Linking a record to a registry person by what the user sees — the name and the ID number's last four, which the
/// masked number shows — never by an internal row id. Matching on the tail unmasks nothing the list does not show,
/// and only people in the user's scope are candidates.
enum PersonLink {
    enum Outcome: Equatable { case found(Int), badTail, noMatch, several }

    static func validTail(_ tail: String) -> Bool {
        tail.count == 4 && tail.dropLast().allSatisfy { $0.isASCII && $0.isNumber } && (tail.last!.isNumber || tail.last == "X")
    }

    /// `extra` narrows the candidates further (e.g. to one community).
    static func find(_ req: Request, name: String, tail raw: String,
                     extra: (QueryBuilder<Person>) -> QueryBuilder<Person> = { $0 }) async throws -> Outcome {
        let tail = raw.trimmed.uppercased()
        guard validTail(tail) else { return .badTail }
        let found = try await extra(req.scoped(Person.self)).filter(\.$name == name).filter(\.$idNumberMasked ~= tail).limit(2).all()
        switch found.count {
        case 0: return .noMatch
        case 1: return .found(found[0].id!)
        default: return .several
        }
    }

    /// The field error for an outcome other than `.found`, in the user's language.
    static func message(_ o: Outcome, name: String, tail: String, _ L: Lang) -> String? {
        switch o {
        case .found: return nil
        case .badTail: return L.t("请填写身份证号的后4位（数字或X）", "Enter the last four characters of the ID number (digits or X)")
        case .noMatch: return L.t("您辖区的实有人口中没有姓名为「\(name)」、身份证号后4位为 \(tail.uppercased()) 的人",
                                  "No one named \(name) with ID ending \(tail.uppercased()) in your area's registry")
        case .several: return L.t("有多人相符，请在实有人口中核对后再关联", "Several people match: check them in People first")
        }
    }

    /// The last four of a linked person's masked number, for showing a saved link back in a form.
    static func tail(of person: Person) -> String { String(person.idNumberMasked.suffix(4)) }
}
