import ClearwayApp
import ClearwayCore
import Foundation
import Hummingbird

extension WebPages {
    /// A guarantor's summary tax bills for cross-border parcels, each paid with one button through the bank gateway;
    /// the bank's signed callback settles it and the list shows it paid.
    func taxBills(_ request: Request) async throws -> Response {
        try await workspace(request) { visit, principal in
            let language = visit.language
            let bills = try await clearway.taxBills(by: principal).map { bill -> [String: Any] in
                let total = bill.items.reduce(Int64(0)) { $0 + $1.totalFen }
                return [
                    "id": bill.id, "period": bill.period?.description ?? "", "guarantor": bill.assureCode, "parcels": bill.items.count,
                    "amount": String(format: "%.2f", Double(total) / 100), "status": locales.text("bill_\(bill.status.rawValue)", language),
                    "statusCode": bill.status.rawValue, "payable": bill.status != .paid && bill.status != .paymentRequested,
                    "paidAt": bill.paidAt.map(Self.display) ?? "", "failure": bill.failures.last ?? "",
                ]
            }
            return render("tax-bills", context(visit, title: locales.text("bills_title", language), [
                "bills": bills, "empty": bills.isEmpty, "requested": request.uri.queryParameters.get("requested") != nil,
            ]))
        }
    }

    func payTaxBill(_ request: Request, id: String) async throws -> Response {
        try await workspace(request) { visit, principal in
            try checkCSRF(try await WebForm.read(request), visit)
            _ = try await clearway.payTaxBill(id, by: principal)
            return Self.redirect("/app/tax-bills?requested=\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        }
    }
}
