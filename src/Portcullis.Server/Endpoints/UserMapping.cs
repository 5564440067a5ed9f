using Portcullis.Contracts.Accounts;
using Portcullis.Core.Users;

namespace Portcullis.Server.Endpoints;

internal static class UserMapping
{
    public static UserDto ToDto(this User user) => new()
    {
        UserId = user.Id,
        CreatedAt = user.CreatedAt,
        UpdatedAt = user.UpdatedAt,
        Status = user.Status.ToString(),
        Email = user.Email,
        EmailVerified = user.EmailVerified,
        Phone = user.Phone,
        PhoneCountryCode = user.PhoneCountryCode,
        PhoneVerified = user.PhoneVerified,
        Username = user.Username,
        Nickname = user.Nickname,
        GivenName = user.GivenName,
        FamilyName = user.FamilyName,
        Gender = user.Gender,
        LoginsCount = user.LoginsCount,
        LastLogin = user.LastLogin,
        Name = user.Name,
        Photo = user.Photo,
        ExternalId = user.ExternalId,
        Birthdate = user.Birthdate,
        Country = user.Country,
        Province = user.Province,
        City = user.City,
        Address = user.Address,
        StreetAddress = user.StreetAddress,
        PostalCode = user.PostalCode,
        Company = user.Company,
        PasswordSecurityLevel = ProfileService.PasswordLevelOf(user),
    };
}
