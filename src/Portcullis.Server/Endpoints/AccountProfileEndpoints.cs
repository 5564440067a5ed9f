using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Users;
using Portcullis.Server.Http;

namespace Portcullis.Server.Endpoints;

/// <summary>The signed-in user's profile and security summary (docs/wire-contract.md, "Accounts").</summary>
public static class AccountProfileEndpoints
{
    public static IEndpointRouteBuilder MapAccountProfileEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v3").WithTags("Accounts").RequireMfaCaller();
        group.MapPost("/update-profile", UpdateProfileAsync)
            .WithSummary("Change the signed-in user's profile fields (a field left out stays, an empty string clears it); answers the whole profile.")
            .Produces<ApiResponse<UserDto>>();
        group.MapGet("/get-security-info", GetSecurityInfoAsync)
            .WithSummary("What protects the signed-in user's account: password and its strength, verified email and phone, a bound factor, and a 0–100 score.")
            .Produces<ApiResponse<GetSecurityInfoDataDto>>();
        return routes;
    }

    private static async Task<IResult> UpdateProfileAsync(HttpContext context, [FromBody] UpdateUserProfileDto dto, ProfileService profiles)
    {
        if (Refusal(dto) is { } refused)
        {
            return Envelope.Fail(context, refused);
        }

        var caller = context.MfaCaller();
        var updated = await profiles.UpdateAsync(caller.User, caller.App.Id, new ProfileUpdate
        {
            Name = dto.Name,
            Nickname = dto.Nickname,
            GivenName = dto.GivenName,
            FamilyName = dto.FamilyName,
            Photo = dto.Photo,
            ExternalId = dto.ExternalId,
            Birthdate = dto.Birthdate,
            Country = dto.Country,
            Province = dto.Province,
            City = dto.City,
            Address = dto.Address,
            StreetAddress = dto.StreetAddress,
            PostalCode = dto.PostalCode,
            Company = dto.Company,
            Gender = dto.Gender,
            Username = dto.Username,
        }, context.RequestAborted);
        return updated.Succeeded ? Envelope.Ok(context, updated.Value.ToDto()) : Envelope.Fail(context, updated.Error!);
    }

    /// <summary>
    /// What update-profile refuses before looking at the values: a field it does not have (named, rather than dropped
    /// silently, so a typing error or an email change sent here is not answered with success), an identity number, custom data.
    /// </summary>
    private static Error? Refusal(UpdateUserProfileDto dto)
    {
        if (dto.UnknownFields is { Count: > 0 } unknown)
        {
            return new Error(ErrorKind.InvalidArgument, string.Join("; ", unknown.Keys.Order(StringComparer.Ordinal).Select(field => field switch
            {
                "email" or "phone" or "phoneCountryCode" or "password" => $"{field} (not changed here: it has calls of its own)",
                _ => $"{field} (not a field of update-profile)",
            })));
        }

        if (dto.IdentityNumber is not null)
        {
            return new Error(ErrorKind.InvalidArgument, "identityNumber (Portcullis does not store identity numbers)");
        }

        return dto.CustomData is { } custom && custom.ValueKind != JsonValueKind.Null
            && !(custom.ValueKind == JsonValueKind.Object && !custom.EnumerateObject().Any())
            ? new Error(ErrorKind.InvalidArgument, "customData (custom fields are not served)")
            : null;
    }

    private static async Task<IResult> GetSecurityInfoAsync(HttpContext context, ProfileService profiles)
    {
        var info = await profiles.SecurityInfoAsync(context.MfaCaller().User, context.RequestAborted);
        return Envelope.Ok(context, new GetSecurityInfoDataDto
        {
            PasswordSecurityLevel = info.PasswordSecurityLevel,
            MfaEnrolled = info.MfaEnrolled,
            PasswordSet = info.PasswordSet,
            EmailBinded = info.EmailBound,
            PhoneBinded = info.PhoneBound,
            SecurityScore = info.SecurityScore,
        });
    }
}
